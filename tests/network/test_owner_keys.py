"""The ownership rows' keys are kept beside the snapshot: a run that finds them for the
same rows reads them, and the links are the same as when they are made on the spot."""

from __future__ import annotations

import pandas as pd

from detectors.network.links import distinct, owner_keys, owner_links
from detectors.rules.policy import name_key
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


def links_row_by_row(rows: pd.DataFrame, customers: pd.DataFrame) -> pd.DataFrame:
    """The owner links as made before the keys marked each (node, key)'s first row: one
    link per ownership row, then `distinct` on (party, key)."""
    keys = owner_keys(rows).set_axis(rows.index)
    known = customers.dropna(subset=["customer_name"]).drop_duplicates("customer_id")
    by_name = pd.Series(
        ("customer:" + known["customer_id"].astype("str")).to_numpy(),
        index=name_key(known["customer_name"]).to_numpy(),
    )
    by_name = by_name[~by_name.index.duplicated()]
    owned = keys["owned_key"].map(by_name)
    kind = pd.Series("customer", index=rows.index).where(owned.notna(), "company")
    owned = owned.fillna(("owner:" + keys["owned_key"]).where(keys["owns"].to_numpy(dtype=bool)))
    owned = owned.fillna("company:" + keys["owned_key"])
    frame = pd.DataFrame({
        "party": owned.to_numpy(), "party_kind": kind.to_numpy(),
        "party_name": rows["owned_name"].to_numpy(), "key": ("owner:" + keys["owner_key"]).to_numpy(),
        "link": "owner", "value": keys["value"].to_numpy(),
    })  # fmt: skip
    return distinct([frame.astype("str")])


def test_one_link_per_party_and_owner_as_row_by_row() -> None:
    rows = pd.concat([ownership(), ownership().iloc[[0, 1]]])
    rows = pd.concat([rows, pd.DataFrame({  # the same owned company and owner, other spellings
        "owner_name": ["RED HOLDING LTD.", "Blue  Group", None],
        "owned_name": ["Acme Trading", "ACME TRADING", None],
        "share": [1.0, 2.0, 3.0], "source": ["a", "b", "c"],
    }).astype({"owner_name": "str", "owned_name": "str", "source": "str"})])  # fmt: skip
    buyers = pd.DataFrame({
        "customer_id": ["C-1", "C-1", "C-2", None, "C-3"],
        "customer_name": [None, "Acme Trading", "Leaf Pte", "Mid Co", "LEAF PTE"],
    })  # fmt: skip
    made = owner_links(rows, buyers)
    pd.testing.assert_frame_equal(made, links_row_by_row(rows, buyers))
    assert not made.duplicated(["party", "key"]).any()
    assert len(made) < len(rows)  # the repeated owner and owned company are one link
    assert "customer:C-1" in set(made["party"]) and "customer:C-2" in set(made["party"])


def test_keys_of_another_format_are_made_again(tmp_path, monkeypatch) -> None:
    rows = ownership()
    monkeypatch.setattr("flows.owner_keys.OWNER_KEYS_FORMAT", "0")
    kept_owner_keys(tmp_path, rows)
    before = {p.name for p in tmp_path.glob(f"{PREFIX}*.parquet")}
    monkeypatch.undo()
    keys = kept_owner_keys(tmp_path, rows)
    assert {p.name for p in tmp_path.glob(f"{PREFIX}*.parquet")} != before
    pd.testing.assert_frame_equal(keys, owner_keys(rows).reset_index(drop=True))
