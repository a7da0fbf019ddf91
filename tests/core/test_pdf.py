"""core.pdf: an A4 PDF with Chinese text, tables and the demo-data warning."""

from django.utils import translation

from bondzone.core import pdf


def test_a_pdf_with_chinese_a_table_and_the_demo_warning():
    with translation.override("zh-hans"):
        body = pdf.render("税款缴款书", [pdf.Heading("货物"), pdf.Text("天竺综保区 <甲> & 乙"),
                                         pdf.Table([["税种", "金额"], ["关税", "12.00"]], widths=[0.6, 0.4])],
                          synthetic=True, footer="第 1 页")
    assert body.startswith(b"%PDF-") and body.rstrip().endswith(b"%%EOF")
    assert b"STSong-Light" in body and len(body) > 1000
    plain = pdf.render("Tax bill", [pdf.Text("x")])
    assert len(plain) < len(body)  # the warning, heading and table are there only in the first
    response = pdf.download(body, "tax-bill-1")
    assert response["Content-Type"] == "application/pdf" and 'filename="tax-bill-1.pdf"' in response[
        "Content-Disposition"]
