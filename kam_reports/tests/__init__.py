from . import test_pdf_reports
