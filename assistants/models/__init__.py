from .people import Assignment, BusinessAssistant
from .planning import CoachingTarget, FinancingProposal, Programme, ProgrammeParticipation
from .visits import CoachingVisit, FollowUp, VisitAttachment, VisitTopic

__all__ = [
    "Assignment",
    "BusinessAssistant",
    "CoachingTarget",
    "CoachingVisit",
    "FinancingProposal",
    "FollowUp",
    "Programme",
    "ProgrammeParticipation",
    "VisitAttachment",
    "VisitTopic",
]
