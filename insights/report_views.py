"""The data report in the admin (so staff two-factor login applies): the report page, a CSV per figure, and asking for
a period to be summarised again. Only staff with the report permission (`insights.view_report`) see any of it.

The page runs a fixed number of queries whatever the data: the zones, report.QUERIES for the facts, and what the
admin itself needs (session, user, permissions).
"""

import logging
from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from eloket.city.models import Zone

from . import charts, figures, report
from .cells import NUMERIC, display
from .export import csv_response
from .forms import ReportForm

logger = logging.getLogger(__name__)

PERMISSION = "insights.view_report"


def require_report_permission(request) -> None:
    if not request.user.has_perm(PERMISSION):
        raise PermissionDenied


def report_form(request) -> ReportForm:
    """The period and zones asked for (or the default period), with every zone to choose from: one query."""
    return ReportForm(request.GET, zones=list(Zone.objects.order_by("code")))


@dataclass(frozen=True)
class Cell:
    text: str
    numeric: bool


@dataclass(frozen=True)
class ShownFigure:
    """A figure as the page shows it: its numbers formatted, its chart measured out, its CSV link."""

    figure: figures.Figure
    rows: list[tuple[str, list[Cell]]]
    total: tuple[str, list[Cell]] | None
    chart: object
    csv_url: str


def _cells(figure: figures.Figure, row: list) -> tuple[str, list[Cell]]:
    return str(row[0]), [Cell(display(value, column.kind), column.kind in NUMERIC)
                         for value, column in zip(row[1:], figure.columns[1:], strict=True)]


def shown(figure: figures.Figure, query: str) -> ShownFigure:
    return ShownFigure(figure=figure, rows=[_cells(figure, row) for row in figure.rows],
                       total=_cells(figure, figure.total) if figure.total else None, chart=charts.chart_for(figure),
                       csv_url=f"{reverse('admin:insights_report_csv', args=[figure.key])}?{query}")


class ReportViews:
    """Mixed into ReportAdmin: the report replaces the change list; there are no rows to add or change."""

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("", wrap(self.report_view), name="insights_report_changelist"),
            path("csv/<slug:key>/", wrap(self.csv_view), name="insights_report_csv"),
            path("refresh/", wrap(self.refresh_view), name="insights_report_refresh"),
        ]

    def _page(self, request, template: str, title: str, **context):
        return TemplateResponse(request, template, {**self.admin_site.each_context(request), "title": title,
                                                    "opts": self.opts, **context})

    def report_view(self, request):
        require_report_permission(request)
        form = report_form(request)
        context = {"form": form, "figures": [], "report": None}
        if form.is_valid():
            selection = form.selection()
            facts = report.build(selection)
            query = form.query()
            context.update(report=facts, selection=selection, query=query,
                           figures=[shown(figure, query) for figure in figures.all_figures(facts)])
        return self._page(request, "admin/insights/report.html", _("Parking data report"), **context)

    def csv_view(self, request, key: str):
        require_report_permission(request)
        if key not in figures.KEYS:
            raise Http404
        form = report_form(request)
        if not form.is_valid():
            self.message_user(request, _("The period or zones are not valid; correct them and download again."),
                              messages.ERROR)
            return HttpResponseRedirect(f"{reverse('admin:insights_report_changelist')}?{request.GET.urlencode()}")
        selection = form.selection()
        logger.info("Staff user %s downloaded report figure %s", request.user.pk, key)
        return csv_response(figures.figure(report.build(selection), key), selection)

    def refresh_view(self, request):
        """Summarise the chosen period again in a worker (a year takes about a minute); POST only."""
        require_report_permission(request)
        if request.method != "POST":
            return HttpResponseRedirect(reverse("admin:insights_report_changelist"))
        form = ReportForm(request.POST, zones=[])
        back = reverse("admin:insights_report_changelist")
        if not form.is_valid():
            self.message_user(request, _("The period is not valid; nothing was summarised."), messages.ERROR)
            return HttpResponseRedirect(back)
        from .tasks import refresh_days

        start, end = form.cleaned_data["start"], min(form.cleaned_data["end"], timezone.localdate())
        if end < start:
            self.message_user(request, _("Days still to come cannot be summarised."), messages.ERROR)
            return HttpResponseRedirect(back)
        transaction.on_commit(lambda: refresh_days.delay(start.isoformat(), end.isoformat()), robust=True)
        self.message_user(request, _("The period %(start)s to %(end)s is being summarised again. Reload the report "
                                     "in a few minutes.") % {"start": start.strftime("%d/%m/%Y"),
                                                             "end": end.strftime("%d/%m/%Y")}, messages.SUCCESS)
        return HttpResponseRedirect(f"{back}?start={start.isoformat()}&end={form.cleaned_data['end'].isoformat()}")
