"""What the printed documents share: the A4 PDF in the Chinese font with tables
(`pdf.ReportPdf`), and the Chinese names of what they print (`names`). The daily report and
the evidence package both draw with them."""
