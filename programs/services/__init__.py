"""Writes of the programs app: keyword-only, atomic, audited. Split by subject:

- programs: create, change, copy to the next fiscal year
- realizations: the quarterly reports and their verification
- beneficiaries: enrolment (with its checks) and the end of a benefit
"""

from .beneficiaries import (
    ACCEPTABLE,
    FINDING_LABELS,
    REFUSED,
    EnrolmentResult,
    beneficiaries_enrol,
    beneficiary_end,
    beneficiary_update,
    enrolment_findings,
)
from .programs import PROGRAM_FIELDS, ProgramConflict, program_copy, program_create, program_update
from .realizations import (
    REALIZATION_FIELDS,
    RealizationConflict,
    can_verify,
    realization_return,
    realization_save,
    realization_verify,
)

__all__ = [
    "ACCEPTABLE",
    "FINDING_LABELS",
    "PROGRAM_FIELDS",
    "REALIZATION_FIELDS",
    "REFUSED",
    "EnrolmentResult",
    "ProgramConflict",
    "RealizationConflict",
    "beneficiaries_enrol",
    "beneficiary_end",
    "beneficiary_update",
    "can_verify",
    "enrolment_findings",
    "program_copy",
    "program_create",
    "program_update",
    "realization_return",
    "realization_save",
    "realization_verify",
]
