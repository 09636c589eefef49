"""Legal forms and generic words misspelt by one letter are read back to the word."""

from __future__ import annotations

from detectors.matching.form_words import FormWords
from detectors.matching.names import analyze_name


def test_a_slip_in_a_form_word_is_read_back():
    words = FormWords.of({"company", "limited", "trading", "united", "shipping"})
    assert words.correct("compayn") == "company"  # two letters swapped
    assert words.correct("liimited") == "limited"  # a letter doubled
    assert words.correct("tradig") == "trading"  # a letter dropped


def test_coined_and_short_words_stay():
    words = FormWords.of({"company", "limited", "united", "shipping"})
    assert words.correct("unitec") == "unitec"  # a name coined by changing the end
    assert words.correct("limitex") == "limitex"
    assert words.correct("chipping") == "chipping"  # another first letter
    assert words.correct("copny") == "copny"  # under six letters: too many neighbours
    assert words.correct("limited") == "limited"


def test_ambiguous_slips_stay():
    words = FormWords.of({"shipping", "shopping"})
    assert words.correct("shapping") == "shapping"  # one letter from two words
    assert words.correct("shippinq") == "shippinq"  # the last letter: a coinage


def test_name_analysis_reads_the_legal_form(settings):
    name = analyze_name("Hadi Shipping Company Liimited", settings.tables, "entity")
    assert name.tokens == ("hadi", "shipping")
    assert name.legal_forms
    assert analyze_name("Mirza Compayn", settings.tables, "entity").tokens == ("mirza",)


def test_the_settings_holding_them_pickle_and_fingerprint_alike(settings):
    import pickle

    from flows.assembly import _canonical

    again = pickle.loads(pickle.dumps(settings.tables))
    assert again.form_words == settings.tables.form_words
    assert _canonical(again) == _canonical(settings.tables)
    assert "object at 0x" not in repr(_canonical(settings.tables.form_words))
