"""Nightly scans: find new or changed recordings on the media roots, analyse each one as a
task (in this process or on Celery workers), then turn the analyses into findings with the
gaps between files and the custody rules, and write the day's reports.

Every step is idempotent and commits whole: a task run twice stores once, a run killed at any
point and run again ends with the same findings as a run never interrupted.
"""
