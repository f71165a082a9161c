from app.execution import clixml
from app.execution.codepages import StreamDecoder
from app.execution.scripts import command_for_step, encode_powershell
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


def test_powershell_step_encodes_preamble_and_script():
    command, args = command_for_step("powershell", "Write-Output $name", ["name"])

    assert command == "powershell.exe"
    assert args[-2] == "-EncodedCommand"
    assert args[-1] == encode_powershell(
        "$name = $env:OPSC_PARAM_NAME\nWrite-Output $name"
    )


def test_command_step_sent_verbatim():
    assert command_for_step("command", "ipconfig /all", ["x"]) == (
        "ipconfig /all",
        [],
    )
