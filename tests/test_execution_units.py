import base64

import pytest

from app.execution import clixml
from app.execution.codepages import StreamDecoder
from app.execution.masking import Masker
from app.execution.policy import SuccessCodes, step_status
from app.execution.shell import signed_exit_code
from app.web.templating import format_exit_code


def test_exit_codes_normalised_to_signed():
    assert signed_exit_code(4294967295) == -1
    assert signed_exit_code(3221225477) == -1073741819
    assert signed_exit_code(2147943401) == -2147023895
    assert signed_exit_code(0) == 0
    assert signed_exit_code(-1) == -1


def test_exit_code_shown_in_hex():
    assert format_exit_code(-1073741819) == "-1073741819 (0xC0000005)"
    assert format_exit_code(3) == "3"
    assert format_exit_code(None) == "-"


def test_decoder_joins_split_character():
    decoder = StreamDecoder(65001)
    data = "Grüße".encode()

    text = decoder.decode(data[:3]) + decoder.decode(data[3:], final=True)

    assert text == "Grüße"
    assert decoder.lossy is False


def test_decoder_marks_invalid_bytes():
    decoder = StreamDecoder(65001)

    text = decoder.decode(b"ok \x82 ok", final=True)

    assert text == "ok \ufffd ok"
    assert decoder.lossy is True


def test_clixml_rendered_without_progress():
    stderr = (
        "#< CLIXML\r\n"
        '<Objs Version="1.1.0.1" xmlns="http://schemas.microsoft.com/powershell/'
        '2004/04"><Obj S="progress" RefId="0"><MS /></Obj>'
        '<S S="Error">broken_x000D__x000A_</S>'
        '<S S="warning">disk almost full</S></Objs>'
    )

    assert clixml.to_text(stderr) == "broken\nWARNING: disk almost full"


def test_clixml_malformed_kept_as_text():
    stderr = '#< CLIXML\r\n<Objs><S S="Error">unclosed'

    assert clixml.to_text(stderr) == stderr


def test_masker_masks_secret_split_across_chunks():
    masker = Masker(["hunter2"])

    text = masker.feed("password is hun") + masker.feed("ter2 ok") + masker.flush()

    assert text == "password is ******** ok"


def test_masker_passes_unrelated_text_at_once():
    masker = Masker(["hunter2"])

    assert masker.feed("first line\r\n") == "first line\r\n"


def test_masker_masks_encoded_forms():
    masker = Masker(["p@ss word"])
    encoded = base64.b64encode("p@ss word".encode("utf-16-le")).decode()

    text = masker.feed(f"{encoded} p%40ss%20word p%40ss+word") + masker.flush()

    assert text == "******** ******** ********"


def test_success_codes_ranges_and_negatives():
    codes = SuccessCodes("0, 3010, 5..7, -1")

    assert 0 in codes
    assert 3010 in codes
    assert 6 in codes
    assert -1 in codes
    assert 4294967295 - 2**32 in codes
    assert 1 not in codes


def test_success_codes_reject_garbage():
    with pytest.raises(ValueError, match="not an exit code"):
        SuccessCodes("0, ok")


def test_step_status_warnings_and_failure():
    assert step_status(0, "0", warnings=0) == "succeeded"
    assert step_status(0, "0", warnings=2) == "succeeded_with_warnings"
    assert step_status(1, "0", warnings=0) == "failed"
    assert step_status(-1073741819, "0,0xC0000005", warnings=0) == "succeeded"


def test_500_over_basic_http_points_at_encryption():
    from winrm.exceptions import WinRMTransportError

    from app.execution.client import classify
    from app.targets.models import Target

    basic = Target(name="a", host="h", port=5985, transport="http", auth="basic")
    ntlm = Target(name="b", host="h", port=5985, transport="http", auth="ntlm")
    fault = WinRMTransportError("http", 500, "")

    assert classify(fault, basic).category == "configuration"
    assert "AllowUnencrypted" in classify(fault, basic).message
    assert classify(fault, ntlm).category == "protocol"
    assert classify(fault, ntlm).retryable is True
