class BusinessError(Exception):
    """A business rule refused an action. `message` is plain Chinese for the user;
    `field` names the form field or row it concerns, when there is one."""

    def __init__(self, message: str, *, field: str | None = None, code: str = "invalid"):
        super().__init__(message)
        self.message = message
        self.field = field
        self.code = code
