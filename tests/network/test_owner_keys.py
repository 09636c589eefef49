"""The ownership rows' keys are kept beside the snapshot: a run that finds them for the
same rows reads them, and the links are the same as when they are made on the spot."""

from __future__ import annotations

import pandas as pd

from detectors.network.links import owner_keys, owner_links
from flows.owner_keys import PREFIX, kept_owner_keys


def ownership() -> pd.DataFrame:
    frame = pd.DataFrame({
        "owner_name": ["Red Holding Ltd", "Red Holding Ltd", "Blue Group", "Mid Co", None],
        "owned_name": ["Mid Co", "Acme Trading", "Acme Trading", "Leaf Pte", "Orphan Ltd"],
        "share": [60.0, 12.5, None, 100.0, 5.0],
        "source": ["registry", None, "", "filing", "registry"],
    }, index=[7, 3, 9, 1, 4])  # fmt: skip
    return frame.astype({"owner_name": "str", "owned_name": "str", "source": "str"})


def customers() -> pd.DataFrame:
    return pd.DataFrame({"customer_id": ["C-1", "C-2"], "customer_name": ["ACME TRADING", "x"]})


def test_kept_keys_give_the_links_made_on_the_spot(tmp_path):
    rows = ownership()
    made = owner_links(rows, customers())
    first = kept_owner_keys(tmp_path, rows)  # made and kept
    kept = list(tmp_path.glob(f"{PREFIX}*.parquet"))
    assert len(kept) == 1
    again = kept_owner_keys(tmp_path, rows)  # read back
    pd.testing.assert_frame_equal(again, first)
    pd.testing.assert_frame_equal(again, owner_keys(rows).reset_index(drop=True))
    pd.testing.assert_frame_equal(owner_links(rows, customers(), again), made)
    assert set(made["party"]) >= {"customer:C-1", "owner:mid co", "company:orphan ltd"}


def test_other_rows_get_their_own_keys_and_the_old_file_goes(tmp_path):
    rows = ownership()
    kept_owner_keys(tmp_path, rows)
    before = {p.name for p in tmp_path.glob(f"{PREFIX}*.parquet")}
    changed = rows.assign(share=rows["share"].fillna(0.0) + 1.0)
    keys = kept_owner_keys(tmp_path, changed)
    after = {p.name for p in tmp_path.glob(f"{PREFIX}*.parquet")}
    assert len(after) == 1 and after != before
    assert keys["value"].tolist() == owner_keys(changed)["value"].tolist()
    assert keys["value"].iloc[0] == "Red Holding Ltd (61 %), source registry"
