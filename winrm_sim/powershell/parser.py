"""Statement parser for the PowerShell subset."""

from __future__ import annotations

from winrm_sim.powershell import nodes
from winrm_sim.powershell.command_parser import STATEMENT_END
from winrm_sim.powershell.errors import ParseError, unsupported
from winrm_sim.powershell.script_block_parser import ScriptBlockParser
from winrm_sim.powershell.tokens import Kind, Mode

_UNSUPPORTED_KEYWORDS = {
    "workflow",
    "class",
    "enum",
    "using",
    "configuration",
    "data",
    "dynamicparam",
    "parallel",
    "sequence",
    "inlinescript",
}
_LOOP_KEYWORDS = ("foreach", "for", "while", "do", "switch")


def parse_script(source: str) -> nodes.ScriptBlockBody:
    """Parse a whole script or raise ParseError."""
    parser = Parser(source)
    body = parser.parse_body(Kind.EOF, 0)
    token = parser.peek()
    if token.kind is not Kind.EOF:
        raise parser.unexpected(token)
    return body


class Parser(ScriptBlockParser):
    """Parses statements: keywords, assignments and pipelines."""

    def parse_statement_list(self, closing: Kind) -> list[nodes.Node]:
        """Parse statements until `closing` (not consumed) or EOF."""
        statements: list[nodes.Node] = []
        while True:
            while (token := self.peek()).kind in (Kind.NEWLINE, Kind.SEMICOLON):
                self.pos = token.end
            if token.kind in (closing, Kind.EOF):
                return statements
            if token.kind in (Kind.RPAREN, Kind.RBRACE):
                raise self.unexpected(token)
            statements.append(self.parse_statement())
            token = self.peek()
            if token.kind not in STATEMENT_END:
                raise self.unexpected(token)

    def parse_statement(self) -> nodes.Node:
        """Parse one statement."""
        token = self.peek()
        label = None
        if (
            token.kind is Kind.WORD
            and token.text.startswith(":")
            and len(token.text) > 1
        ):
            label = token.text[1:]
            self.take()
            self.skip_newlines()
            token = self.peek()
        if token.kind is Kind.WORD:
            keyword = token.text.lower()
            statement = self._keyword_statement(keyword, label)
            if statement is not None:
                return statement
        return self.parse_pipeline()

    def _keyword_statement(self, keyword: str, label: str | None) -> nodes.Node | None:
        token = self.peek()
        following = self.source[token.end : token.end + 1]
        if keyword in ("foreach", "switch") and not self._keyword_follows(token.end):
            return None
        handlers = {
            "if": self._if_statement,
            "function": self.parse_function,
            "filter": self.parse_function,
            "try": self._try_statement,
            "trap": self._trap_statement,
        }
        if keyword in handlers:
            return handlers[keyword]()
        if keyword in _LOOP_KEYWORDS:
            loop = getattr(self, f"_{keyword}_statement")()
            loop.label = label
            return loop
        if keyword in ("throw", "return", "exit", "break", "continue"):
            return self._flow_statement(keyword)
        if keyword in _UNSUPPORTED_KEYWORDS and following in (" ", "\t", "{", "("):
            raise unsupported(f"the '{keyword}' keyword", token.start, token.end)
        if keyword == "param" and self.source[token.end :].lstrip(" \t")[:1] == "(":
            raise self.error_at(
                token,
                "Unexpected attribute or param block: a param block must be the first "
                "statement of a script or script block.",
                "UnexpectedParamBlock",
            )
        return None

    def _keyword_follows(self, index: int) -> bool:
        rest = self.source[index:].lstrip(" \t")
        return rest[:1] in ("(", "-")

    def _condition(self, keyword: str) -> nodes.Node:
        self.skip_newlines()
        self.expect(
            Kind.LPAREN,
            f"Missing '(' after '{keyword}' in {keyword} statement.",
            f"MissingOpenParenthesisIn{keyword.title()}Statement",
        )
        self.skip_newlines()
        condition = self.parse_statement()
        self.skip_newlines()
        self.expect(
            Kind.RPAREN,
            f"Missing closing ')' after expression in '{keyword}' statement.",
            f"MissingEndParenthesisIn{keyword.title()}Statement",
        )
        return condition

    def block(self, keyword: str) -> list[nodes.Node]:
        """Parse `{ statements }` after a keyword."""
        self.skip_newlines()
        token = self.peek()
        if token.kind is not Kind.LBRACE:
            raise self.error_at(
                token,
                f"Missing statement block after {keyword}.",
                "MissingStatementBlock",
            )
        self.take()
        statements = self.parse_statement_list(Kind.RBRACE)
        self.close_brace(token.start)
        return statements

    def close_brace(self, opening: int) -> int:
        """Consume `}` or raise the error PowerShell gives for the open brace."""
        if self.peek().kind is not Kind.RBRACE:
            raise ParseError(
                "Missing closing '}' in statement block or type definition.",
                "MissingEndCurlyBrace",
                opening,
            )
        return self.take().end

    def _if_statement(self) -> nodes.IfStatement:
        start = self.take().start
        clauses = [(self._condition("if"), self.block("if"))]
        else_body = None
        while True:
            saved = self.pos
            self.skip_newlines()
            token = self.peek()
            if token.is_word("elseif"):
                self.take()
                clauses.append((self._condition("elseif"), self.block("elseif")))
            elif token.is_word("else"):
                self.take()
                else_body = self.block("else")
                break
            else:
                self.pos = saved
                break
        return nodes.IfStatement(start, self.pos, clauses, else_body)

    def _foreach_statement(self) -> nodes.ForeachStatement:
        start = self.take().start
        self.skip_newlines()
        self.expect(
            Kind.LPAREN,
            "Missing opening '(' after keyword 'foreach'.",
            "MissingOpenParenthesisAfterKeyword",
        )
        self.skip_newlines()
        token = self.expect(
            Kind.VARIABLE,
            "Missing variable name after foreach.",
            "MissingVariableNameAfterForeach",
        )
        scope, name = token.value
        variable = nodes.Variable(token.start, token.end, name, scope)
        self.skip_newlines()
        if not self.peek().is_word("in"):
            raise self.error_at(
                self.peek(),
                "Missing 'in' after variable in foreach loop.",
                "MissingInInForeach",
            )
        self.take()
        self.skip_newlines()
        iterable = self.parse_statement()
        self.skip_newlines()
        self.expect(
            Kind.RPAREN,
            "Missing closing ')' after expression in 'foreach' statement.",
            "MissingEndParenthesisAfterForeach",
        )
        body = self.block("foreach")
        return nodes.ForeachStatement(start, self.pos, variable, iterable, body)

    def _for_statement(self) -> nodes.LoopStatement:
        start = self.take().start
        self.skip_newlines()
        self.expect(
            Kind.LPAREN,
            "Missing opening '(' after keyword 'for'.",
            "MissingOpenParenthesisAfterKeyword",
        )
        parts: list[nodes.Node | None] = []
        for index in range(3):
            self.skip_newlines()
            token = self.peek()
            closing = Kind.RPAREN if index == 2 else Kind.SEMICOLON
            parts.append(None if token.kind is closing else self.parse_statement())
            self.skip_newlines()
            if index < 2 and self.peek().kind is Kind.SEMICOLON:
                self.take()
        self.skip_newlines()
        self.expect(
            Kind.RPAREN,
            "Missing closing ')' after expression in 'for' statement.",
            "MissingEndParenthesisAfterFor",
        )
        body = self.block("for")
        init, condition, step = parts
        return nodes.LoopStatement(start, self.pos, "for", condition, body, init, step)

    def _while_statement(self) -> nodes.LoopStatement:
        start = self.take().start
        condition = self._condition("while")
        body = self.block("while")
        return nodes.LoopStatement(start, self.pos, "while", condition, body)

    def _do_statement(self) -> nodes.LoopStatement:
        start = self.take().start
        body = self.block("do")
        self.skip_newlines()
        token = self.peek()
        if not token.is_word("while", "until"):
            raise self.error_at(
                token,
                "Missing while or until keyword in do loop.",
                "MissingWhileOrUntilInDoWhile",
            )
        self.take()
        keyword = token.text.lower()
        condition = self._condition(keyword)
        return nodes.LoopStatement(start, self.pos, f"do-{keyword}", condition, body)

    def _switch_statement(self) -> nodes.SwitchStatement:
        start = self.take().start
        mode, case_sensitive = "exact", False
        while (token := self.peek(Mode.COMMAND)).kind is Kind.PARAMETER:
            self.take(Mode.COMMAND)
            flag = str(token.value[0]).lower()
            if flag in ("regex", "wildcard", "exact"):
                mode = flag
            elif flag == "casesensitive":
                case_sensitive = True
            else:
                raise unsupported(f"switch -{flag}", token.start, token.end)
        value = self._condition("switch")
        self.skip_newlines()
        opening = self.expect(
            Kind.LBRACE,
            "Missing opening '{' in switch statement.",
            "MissingCurlyBraceInSwitchStatement",
        )
        clauses: list[tuple[nodes.Node | None, list[nodes.Node]]] = []
        while True:
            while self.peek().kind in (Kind.NEWLINE, Kind.SEMICOLON):
                self.take()
            token = self.peek(Mode.COMMAND)
            if token.kind is Kind.RBRACE:
                break
            if token.kind is Kind.EOF:
                self.close_brace(opening.start)
            if token.kind is Kind.WORD and token.text.lower() == "default":
                self.take(Mode.COMMAND)
                pattern = None
            elif token.kind is Kind.LBRACE:
                pattern = self.parse_script_block()
            else:
                pattern = self.parse_command_argument()
            clauses.append((pattern, self.block("switch clause")))
        end = self.close_brace(opening.start)
        return nodes.SwitchStatement(start, end, value, clauses, mode, case_sensitive)

    def _try_statement(self) -> nodes.TryStatement:
        start = self.take().start
        body = self.block("try")
        catches: list[tuple[list[str], list[nodes.Node]]] = []
        finally_body = None
        while True:
            saved = self.pos
            self.skip_newlines()
            token = self.peek()
            if token.is_word("catch"):
                self.take()
                catches.append((self._type_list(), self.block("catch")))
            elif token.is_word("finally"):
                self.take()
                finally_body = self.block("finally")
                break
            else:
                self.pos = saved
                break
        if not catches and finally_body is None:
            raise self.error_at(
                self.peek(),
                "The Try statement is missing its Catch or Finally block.",
                "MissingCatchOrFinally",
            )
        return nodes.TryStatement(start, self.pos, body, catches, finally_body)

    def _type_list(self) -> list[str]:
        names: list[str] = []
        while True:
            self.skip_newlines()
            if self.peek().kind is not Kind.LBRACKET:
                return names
            names.append(self.parse_type_name()[1])
            self.skip_newlines()
            if self.peek().kind is Kind.COMMA:
                self.take()

    def _trap_statement(self) -> nodes.TrapStatement:
        start = self.take().start
        type_names = self._type_list()
        body = self.block("trap")
        return nodes.TrapStatement(start, self.pos, type_names, body)

    def _flow_statement(self, keyword: str) -> nodes.FlowStatement:
        token = self.take()
        following = self.peek()
        if following.kind in (*STATEMENT_END, Kind.PIPE):
            return nodes.FlowStatement(token.start, token.end, keyword)
        if keyword in ("break", "continue"):
            label_token = self.take(Mode.COMMAND)
            label = nodes.Constant(label_token.start, label_token.end, label_token.text)
            return nodes.FlowStatement(token.start, label_token.end, keyword, label)
        value = self.parse_expression() if keyword == "exit" else self.parse_pipeline()
        return nodes.FlowStatement(token.start, value.end, keyword, value)
