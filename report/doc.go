// Package report writes a run's files from its results — the CSV of the
// latest run and the two figures (PNG and SVG) that the Python reference's
// users already read, plus a Markdown table and a benchstat file (Write) —
// and the text a user reads: the end-of-run summary (WriteSummary) and a
// comparison of two runs (WriteComparison). Every file is replaced
// atomically. The JSONL and a run's life on disk are package store's; the
// comparison itself is package compare's.
package report
