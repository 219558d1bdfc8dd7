"""Money has the currency of its estate: yuan on the mainland, Hong Kong dollars at the
Hong Kong estate, in every language."""
from __future__ import annotations

from decimal import Decimal

from flask_babel import force_locale

from app.models import Estate
from app.workflows.money import money_text


def test_an_estate_takes_the_currency_of_its_region(app, world, seeded):
    assert seeded.get(Estate, world.estate_a).currency == "CNY"
    hong_kong = Estate(office_id=seeded.get(Estate, world.estate_a).office_id, code="HK-T",
                       name="海濱", region="hong_kong", script="zh_Hant")
    seeded.add(hong_kong)
    seeded.flush()
    assert hong_kong.currency == "HKD"
    with app.test_request_context(), force_locale("zh_Hant"):
        assert str(hong_kong.currency_label).startswith("港")


def test_amounts_read_in_the_estates_currency(app):
    with app.test_request_context():
        assert money_text(Decimal("1300"), "CNY") == "1,300.00 yuan"
        assert money_text(Decimal("50.5"), "HKD") == "50.50 Hong Kong dollars"
        assert money_text(None, "CNY") == ""
        with force_locale("zh_Hans"):
            assert money_text(Decimal("1300"), "CNY") == "1,300.00 元"
        with force_locale("zh_Hant"):
            assert money_text(Decimal("308"), "HKD") == "308.00 港元"


def test_amounts_in_words_name_hong_kong_dollars():
    from app.workflows.money import amount_in_words
    assert amount_in_words("10000", "CNY") == "壹万元整"
    assert amount_in_words("10000.01", "HKD") == "港币壹万元零壹分"
    assert amount_in_words(None, "HKD") == ""


def test_printed_amounts_carry_the_unit_of_the_estates_money():
    from app.printing.render import _Helpers
    assert _Helpers("zh_Hans", True, True, "CNY").amount("1300") == "1,300.00 元"
    assert _Helpers("zh_Hant", True, True, "HKD").amount("308") == "308.00 港元"
    assert _Helpers("zh_Hant", True, True, "HKD").amount(None) == ""
