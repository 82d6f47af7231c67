"""Exception types raised by oa-tasks.

Every error names the file, the column and the offending value where there is one, and says what to do.
"""

from __future__ import annotations


class OATasksError(Exception):
    """Base class of every error raised by oa-tasks."""


class CohortFileNotFoundError(OATasksError, FileNotFoundError):
    """A file the cohort needs is not in the root directory."""


class FileFormatError(OATasksError):
    """A file is not what its name claims (not delimited text, not SAS, empty, ...)."""


class SchemaError(OATasksError):
    """A required column is missing, or a column holds the wrong kind of data."""


class CodeError(OATasksError):
    """A coded column holds a value outside its documented code list."""


class LabelDefinitionError(OATasksError):
    """The label definition cannot be applied (unknown task, no horizon visit, ...)."""
