"""The module's own task states (a module of its own so providers can use them without the database)."""

from enum import StrEnum


class TaskStatus(StrEnum):
    """The module's task states. The API keeps the seed's words for existing clients; each
    provider maps its own words onto these (its raw word is kept in `provider_status`)."""

    SUBMITTING = "SUBMITTING"  # charged; the provider has not confirmed the task yet
    NOT_START = "NOT_START"
    SUBMITTED = "SUBMITTED"
    QUEUED = "QUEUED"
    IN_PROGRESS = "IN_PROGRESS"
    SUCCESS = "SUCCESS"
    FAILURE = "FAILURE"  # refunded
    CANCELLED = "CANCELLED"  # by its owner; refunded
