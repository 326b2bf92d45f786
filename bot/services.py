"""The services handlers call, built once at start and kept in ``bot_data``."""

from __future__ import annotations

from dataclasses import dataclass

from bot.auth import AdminFetcher, Authorizer
from bot.branches import BranchService
from bot.checkin import CheckinService
from bot.clock import Clock
from bot.config import Config
from bot.delivery import DeliveryService
from bot.group_quiz import GroupQuizService
from bot.i18n import Translator
from bot.leases import Claimant
from bot.leave import LeaveService
from bot.meetings import MeetingService
from bot.members import MemberService
from bot.organisations import OrganisationService
from bot.points import PointsLedger
from bot.quiz import QuizService
from bot.reports import OrganisationReports, ReportService
from bot.sends import SendService
from bot.study import StudyService
from bot.summary import SummaryService
from storage import Storage


@dataclass(frozen=True)
class Services:
    """Everything with state that a handler may need."""

    storage: Storage
    claimant: Claimant  # this instance, in the claims of scheduled sends
    catalogs: Translator
    auth: Authorizer
    branches: BranchService
    members: MemberService
    organisations: OrganisationService
    delivery: DeliveryService
    meetings: MeetingService
    sends: SendService
    checkins: CheckinService
    leaves: LeaveService
    study: StudyService
    quiz: QuizService
    group_quiz: GroupQuizService
    points: PointsLedger
    summaries: SummaryService
    reports: ReportService
    organisation_reports: OrganisationReports


def build_services(
    config: Config,
    storage: Storage,
    clock: Clock,
    fetch_admins: AdminFetcher,
    claimant: Claimant | None = None,
) -> Services:
    """Wire the services over an open storage; ``claimant`` is this process unless given."""
    claimant = claimant or Claimant()
    points = PointsLedger(storage, config.points)
    checkins = CheckinService(storage, points, claimant)
    auth = Authorizer(
        operators=config.bot.operators,
        storage=storage,
        fetch_admins=fetch_admins,
        clock=clock,
    )
    meetings = MeetingService(storage, checkins, points, auth)
    return Services(
        storage=storage,
        claimant=claimant,
        catalogs=Translator.load(),
        auth=auth,
        branches=BranchService(storage, config.bot, clock),
        members=MemberService(storage),
        organisations=OrganisationService(storage),
        delivery=DeliveryService(storage),
        meetings=meetings,
        sends=SendService(storage, claimant),
        checkins=checkins,
        leaves=LeaveService(storage, auth, meetings),
        study=StudyService(storage),
        quiz=QuizService(storage, points),
        group_quiz=GroupQuizService(storage, points),
        points=points,
        summaries=SummaryService(storage, meetings, config.cadence, claimant),
        reports=ReportService(storage),
        organisation_reports=OrganisationReports(storage, meetings, config.cadence),
    )
