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


def test_the_commonest_slips_in_a_form_word_are_read_back():
    words = FormWords.of({"company", "limited", "liability", "development"})
    assert words.correct("limitedd") == "limited"  # the last letter doubled
    assert words.correct("ocmpany") == "company"  # the first two letters swapped
    assert words.correct("compani") == "company"  # a final y written i
    assert words.correct("liabiliti") == "liability"
    assert words.correct("limitex") == "limitex"  # another last letter: still a coinage
    assert words.correct("companx") == "companx"


def test_number_words_misspelt_are_read_back_and_short_words_stay():
    words = FormWords.of({"company"}, numbers={"seven", "fourteen", "fourth", "forty"})
    assert words.correct("sewen") == "seven"
    assert words.correct("furteen") == "fourteen"
    assert words.correct("furth") == "fourth"
    assert words.correct("forth") == "forth"  # one letter from fourth and from forty
    assert words.correct("sevan") == "seven"
    assert words.correct("compa") == "compa"  # five letters: only number words


def test_a_misspelt_number_word_is_the_number(settings):
    assert analyze_name("Sewen Sea Golden LLC", settings.tables, "entity").numbers == {"7"}
    assert analyze_name("Fouteen Stars", settings.tables, "entity").numbers == {"14"}


def test_a_place_in_brackets_is_read_back_elsewhere_not(settings):
    tables = settings.tables
    assert analyze_name("AIAI (Sanghai)", tables, "entity").tokens == ("aiai", "shanghai")
    assert analyze_name("Tavridex (Hong Knog)", tables, "entity").tokens == (
        "tavridex",
        "hongkong",
    )
    assert analyze_name("Sanghai Trading", tables, "entity").tokens == ("sanghai", "trading")


def test_legal_forms_before_a_place_at_the_end_are_set_aside(settings):
    name = analyze_name("Homa Shipping Co Ltd (Shenzhen)", settings.tables, "entity")
    assert name.tokens == ("homa", "shipping", "shenzhen")
    assert name.legal_forms
    assert analyze_name("Shenzhen Beijing", settings.tables, "entity").tokens == (
        "shenzhen",
        "beijing",
    )
