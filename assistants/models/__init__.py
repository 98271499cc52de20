from .people import Assignment, BusinessAssistant
from .planning import CoachingTarget, FinancingProposal, Programme, ProgrammeParticipation
from .summary import AssistantVisitSummary, VisitSummary
from .visits import CoachingVisit, FollowUp, VisitAttachment, VisitTopic

__all__ = [
    "Assignment",
    "AssistantVisitSummary",
    "BusinessAssistant",
    "CoachingTarget",
    "CoachingVisit",
    "FinancingProposal",
    "FollowUp",
    "Programme",
    "ProgrammeParticipation",
    "VisitAttachment",
    "VisitSummary",
    "VisitTopic",
]
