"""Machine-learned red-flag detectors.

`features` (the documented feature table, point-in-time), `anomaly` (IsolationForest, no
labels needed), `supervised` (calibrated gradient boosting trained on investigators'
decisions), `explanations` (top contributing features in words) and `registry` (the models
stored in the workspace with their metadata).
"""
