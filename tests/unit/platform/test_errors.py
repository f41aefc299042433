"""The one refusal type: a ValidationError whose text is the plain message."""

from django.core.exceptions import ValidationError

from kaohe.platform.errors import Refusal


def test_a_refusal_reads_as_its_message_and_is_a_validation_error():
    err = Refusal("本期已公布，不能再改", field="points")
    assert str(err) == "本期已公布，不能再改"
    assert isinstance(err, ValidationError)
    assert err.field == "points"
    assert err.messages == ["本期已公布，不能再改"]
