"""The training tools' refusals: each carries a `code` naming the reason, and says it in its message."""


class CodedError(Exception):
    def __init__(self, code, message):
        super().__init__(f"{code}: {message}")
        self.code = code
