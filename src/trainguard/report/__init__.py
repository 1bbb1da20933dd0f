"""The run report: ``report.html``, one self-contained page built from a run folder alone."""

from trainguard.report.html import render, write_report
from trainguard.report.inputs import ReportInputs, save_report_inputs
from trainguard.track.run_folder import REPORT

__all__ = ["REPORT", "ReportInputs", "render", "save_report_inputs", "write_report"]
