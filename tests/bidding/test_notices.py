"""The award notice and the result notice as documents (bidding/notices/): the PDF parses, says what
the notice says in its CJK font, embedded as a subset, renders to the same bytes twice, and is refused
in words without a font; the HTML escapes what users typed."""

import io
import re
from dataclasses import replace
from datetime import UTC, date, datetime

import pytest
from fontTools.fontBuilder import FontBuilder
from fontTools.pens.ttGlyphPen import TTGlyphPen
from pypdf import PdfReader

from bidding.notices import pdf
from bidding.notices.documents import AwardNotice, RankingRow, ResultNotice, content, last_day
from bidding.notices.html import render_html
from bidding.notices.pdf import PdfRefused, render_pdf, translator
from market.workdays import end_of_day

AGENCY = "浙江某某环境咨询有限公司"
AWARD = AwardNotice(
    notice_number="ZX-2026-0001",
    issued_at=datetime(2026, 11, 27, 17, 30, tzinfo=UTC),  # 28 November in Shanghai
    task_number="T-2026-000123",
    title="某某园区环境影响评价报告编制",
    service_item="环境影响评价",
    applicant="杭州某某科技有限公司",
    agency=AGENCY,
    agency_uscc="91330100MA2H000000",
    price_fen=12_345_678,
    service_days=45,
    method="lowest_price",
    rank=1,
    publicity_starts_at=datetime(2026, 11, 20, 1, 0, tzinfo=UTC),
    publicity_ends_at=end_of_day(date(2026, 11, 25)),
    verify_path="/tasks/T-2026-000123/award",
    sign_by_at=end_of_day(date(2026, 12, 28)),
)
RESULT = ResultNotice(
    issued_at=datetime(2026, 11, 20, 1, 0, tzinfo=UTC),
    task_number="T-2026-000123",
    title="某某园区环境影响评价报告编制",
    method="lowest_price",
    rows=(
        RankingRow(1, AGENCY, "91330100MA2H000000", 12_345_678, {"price_fen": 12_345_678}, True),
        RankingRow(
            2,
            "宁波某某工程咨询有限公司",
            "91330200MA2J000000",
            13_000_000,
            {"price_fen": 13_000_000},
        ),
    ),
    publicity_starts_at=datetime(2026, 11, 20, 1, 0, tzinfo=UTC),
    publicity_ends_at=end_of_day(date(2026, 11, 25)),
    objections_contact="公示期内可在平台对结果提出异议。",
    verify_path="/tasks/T-2026-000123/award",
)


def pdf_text(data: bytes) -> str:
    """The text of every page, without white space. pypdf reads the two-byte codes of fpdf2's
    embedded code-to-CID map one byte at a time, so a NUL comes before every character (poppler's
    pdftotext reads them right); the NULs go too."""
    reader = PdfReader(io.BytesIO(data))
    return "".join(
        "".join(page.extract_text().replace("\x00", "").split()) for page in reader.pages
    )


def test_award_pdf_says_the_notice_in_chinese():
    data = render_pdf(AWARD, "zh")
    assert data.startswith(b"%PDF-")
    assert len(PdfReader(io.BytesIO(data)).pages) == 1
    text = pdf_text(data)
    for expected in (
        "中选通知书",
        "编号：ZX-2026-0001",
        AGENCY,
        "91330100MA2H000000",
        "123,456.78元",
        "壹拾贰万叁仟肆佰伍拾陆元柒角捌分",
        "45日",
        "2026年11月20日至2026年11月25日",  # the publicity ends at 24:00 of the 25th
        "请于2026年12月28日前（本通知书发出之日起30日内）与项目业主签订服务合同。",
        "/tasks/T-2026-000123/award",
        "发出日期：2026年11月28日",
    ):
        assert expected in text, expected


def test_award_pdf_in_english():
    text = pdf_text(render_pdf(AWARD, "en"))
    assert "Awardnotice" in text
    assert "Signtheservicecontract" not in text
    assert "PleasesigntheservicecontractwiththeapplicantbyDecember28,2026" in text
    assert "壹拾贰万叁仟肆佰伍拾陆元柒角捌分" in text


def test_font_is_embedded_as_a_subset_and_the_file_stays_small():
    data = render_pdf(AWARD, "zh")
    reader = PdfReader(io.BytesIO(data))
    fonts = [f.get_object() for f in reader.pages[0]["/Resources"]["/Font"].values()]
    assert len(fonts) == 1
    assert re.fullmatch(r"/[A-Z]{6}\+NotoSansCJKSC", fonts[0]["/BaseFont"])
    descendant = fonts[0]["/DescendantFonts"][0].get_object()
    assert descendant["/Subtype"] == "/CIDFontType0"
    embedded = descendant["/FontDescriptor"].get_object()["/FontFile3"].get_object()
    assert len(embedded.get_data()) < 40_000  # the whole face is 16 MB
    assert len(data) < 60_000


def test_two_renders_are_byte_identical_and_dated_by_the_notice():
    first = render_pdf(AWARD, "zh")
    pdf._open_font.cache_clear()
    assert render_pdf(AWARD, "zh") == first
    assert PdfReader(io.BytesIO(first)).metadata.creation_date == AWARD.issued_at
    assert render_pdf(replace(AWARD, notice_number="ZX-2026-0002"), "zh") != first


def test_result_pdf_lists_the_ranking():
    text = pdf_text(render_pdf(RESULT, "zh"))
    for expected in (
        "结果公告",
        "中选候选人浙江某某环境咨询有限公司，报价123,456.78元",
        "宁波某某工程咨询有限公司91330200MA2J000000130,000.00",
        "报价（元）：130,000.00",
        "公示期内可在平台对结果提出异议。",
    ):
        assert expected in text, expected


def test_no_font_refuses_the_pdf_in_words_and_the_html_still_works(app, monkeypatch):
    monkeypatch.setattr(
        pdf, "KNOWN_FONTS", (("/nonexistent/NotoSansCJK-Regular.ttc", "fonts-noto-cjk"),)
    )
    with pytest.raises(PdfRefused) as refused:
        render_pdf(AWARD, "zh")
    message = refused.value.message
    assert translator("zh")(message.msgid) % message.params == (
        "PDF 无法生成：服务器未安装中文字体。请安装 Debian 软件包 fonts-noto-cjk，"
        "或将 PDF_FONT 设置为字体文件；在此之前可打印 HTML 版通知。"
    )
    assert str(refused.value) == (
        "The PDF cannot be made: no Chinese font is installed on the server. Install the Debian "
        "package fonts-noto-cjk, or set PDF_FONT to a font file; the HTML notice can be printed "
        "meanwhile."
    )
    with app.test_request_context():
        assert "<h1>中选通知书</h1>" in render_html(AWARD, "zh")


def test_text_typed_on_several_lines_keeps_its_lines_and_needs_no_control_glyphs():
    typed = replace(RESULT, objections_contact="电话：0571-1\r\n邮箱：a@b.cn\t（工作日）\x07")
    data = render_pdf(typed, "zh")
    lines = PdfReader(io.BytesIO(data)).pages[0].extract_text().replace("\x00", "").splitlines()
    assert "电话：0571-1" in [line.strip() for line in lines]
    assert "邮箱：a@b.cn （工作日）" in [line.strip() for line in lines]


def test_a_long_ranking_runs_over_pages_with_its_header_on_each():
    rows = tuple(
        replace(RESULT.rows[1], rank=n, agency=f"某某第{n}咨询有限公司", award_candidate=n == 1)
        for n in range(1, 61)
    )
    reader = PdfReader(io.BytesIO(render_pdf(replace(RESULT, rows=rows), "zh")))
    assert len(reader.pages) > 1
    pages = ["".join(p.extract_text().replace("\x00", "").split()) for p in reader.pages]
    assert all("名次中介服务机构报价（元）计算数据" in page for page in pages[1:])
    assert "某某第60咨询有限公司" in "".join(pages)


def test_a_font_setting_that_is_not_a_font_is_refused(tmp_path):
    with pytest.raises(PdfRefused, match=r"PDF_FONT names /nonexistent\.ttf, which is not a font"):
        render_pdf(AWARD, "zh", "/nonexistent.ttf")
    text_file = tmp_path / "notes.ttf"
    text_file.write_text("not a font")
    with pytest.raises(PdfRefused) as refused:
        render_pdf(AWARD, "zh", str(text_file))
    assert refused.value.message.params == {"path": str(text_file)}


def latin_font(path) -> str:
    """A tiny TrueType font with glyphs for ASCII only."""
    glyphs = [".notdef"] + [f"g{c}" for c in range(32, 127)]
    builder = FontBuilder(1000, isTTF=True)
    builder.setupGlyphOrder(glyphs)
    builder.setupCharacterMap({c: f"g{c}" for c in range(32, 127)})
    pen = TTGlyphPen(None)
    pen.moveTo((0, 0))
    pen.lineTo((0, 500))
    pen.lineTo((400, 0))
    pen.closePath()
    box = pen.glyph()
    builder.setupGlyf({name: box for name in glyphs})
    builder.setupHorizontalMetrics({name: (500, 0) for name in glyphs})
    builder.setupHorizontalHeader(ascent=800, descent=-200)
    builder.setupNameTable(
        {"familyName": "Latin Only", "styleName": "Regular", "fullName": "Latin Only"}
    )
    builder.setupOS2()
    builder.setupPost()
    builder.save(str(path))
    return str(path)


def test_a_font_without_chinese_glyphs_is_refused_never_drawn_with_gaps(tmp_path):
    font = latin_font(tmp_path / "latin.ttf")
    with pytest.raises(PdfRefused) as refused:
        render_pdf(AWARD, "en", font)
    params = refused.value.message.params
    assert params["font"] == "Latin Only"
    assert "某" in params["chars"].split(" ")
    assert "T" not in params["chars"].split(" ")
    assert params["package"] == "fonts-noto-cjk"


def test_html_escapes_what_users_typed(app):
    hostile = replace(AWARD, title="<script>alert(1)</script>", agency='A & B "<b>"')
    with app.test_request_context():
        page = render_html(hostile, "en")
    assert "<script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "To A &amp; B &#34;&lt;b&gt;&#34;:" in page
    digest = app.extensions["market.static_hashes"]["notice.css"]
    assert f'<link rel="stylesheet" href="/static/notice.css?v={digest}">' in page


def test_html_notice_in_both_languages(app):
    with app.test_request_context():
        zh = render_html(AWARD, "zh")
        en = render_html(RESULT, "en")
    assert '<html lang="zh-CN">' in zh
    assert '<tr><th scope="row">大写金额</th><td>壹拾贰万叁仟肆佰伍拾陆元柒角捌分</td></tr>' in zh
    assert '<p class="issued">发出日期：2026年11月28日</p>' in zh
    assert "<h1>Result notice</h1>" in en
    assert "<td>1<br>award candidate</td>" in en
    assert "<td>浙江某某环境咨询有限公司<br>91330100MA2H000000</td>" in en


def test_a_period_ending_at_midnight_ends_the_day_before():
    assert last_day(end_of_day(date(2026, 11, 25))) == date(2026, 11, 25)
    assert last_day(datetime(2026, 11, 25, 9, 0, tzinfo=UTC)) == date(2026, 11, 25)


def test_documents_refuse_naive_times_and_two_candidates():
    with pytest.raises(ValueError, match="issued_at must be an aware datetime"):
        replace(AWARD, issued_at=datetime(2026, 11, 27))
    with pytest.raises(ValueError, match="at most one award candidate"):
        replace(RESULT, rows=(RESULT.rows[0], replace(RESULT.rows[1], award_candidate=True)))


@pytest.mark.parametrize("doc", [AWARD, RESULT], ids=["award", "result"])
def test_every_line_of_a_chinese_notice_is_translated(doc):
    text = content(doc, "zh", translator("zh")).text()
    for value in ("/tasks/T-2026-000123/award", "ZX-2026-0001", "T-2026-000123", "MA2H", "MA2J"):
        text = text.replace(value, "")
    assert re.findall(r"[A-Za-z]{2,}", text) == []
