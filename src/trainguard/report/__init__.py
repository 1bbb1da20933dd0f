"""The run report: ``report.html``, one self-contained page built from a run folder alone."""

from trainguard.report.html import render, write_report
from trainguard.report.inputs import REPORT, ReportInputs, save_report_inputs

__all__ = ["REPORT", "ReportInputs", "render", "save_report_inputs", "write_report"]
