"""The PDF notices (bidding/notices/pdf.py): how long one takes to render and how big it is.

`.venv/bin/python -m bench.notice_bench [--reps 10]` renders the award notice of
tests/bidding/test_notices.py and a result notice of 10 ranked bids, in Chinese and in English,
`reps` times each, and prints the first render (which opens the font collection), the median and
the fastest of the rest, the file's size and the embedded font's size. Nothing else is needed:
no database, no app (the HTML notice needs a request and is not measured here).
"""

from __future__ import annotations

import argparse
import io
import statistics
import time
from dataclasses import replace

from pypdf import PdfReader

from bidding.notices import pdf
from bidding.notices.documents import RankingRow
from tests.bidding.test_notices import AWARD, RESULT


def embedded_font_bytes(data: bytes) -> int:
    page = PdfReader(io.BytesIO(data)).pages[0]
    font = next(iter(page["/Resources"]["/Font"].values())).get_object()
    descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"].get_object()
    return len(descriptor["/FontFile3"].get_object().get_data())


def measure(name: str, doc, locale: str, reps: int) -> None:
    pdf._open_font.cache_clear()
    start = time.perf_counter()
    data = pdf.render_pdf(doc, locale)
    first = time.perf_counter() - start
    times = []
    for _ in range(reps):
        start = time.perf_counter()
        again = pdf.render_pdf(doc, locale)
        times.append(time.perf_counter() - start)
        assert again == data
    print(
        f"{name:<22} {locale}  first {first * 1000:6.0f} ms  median {statistics.median(times) * 1000:6.0f} ms"
        f"  fastest {min(times) * 1000:6.0f} ms  size {len(data):7,} B"
        f"  font {embedded_font_bytes(data):7,} B"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=10)
    args = parser.parse_args()
    font, _ = pdf.find_font()
    print(f"font: {font.path} (face {font.index}, {font.name})")
    rows = tuple(
        replace(
            RESULT.rows[1],
            rank=n,
            agency=f"某某第{n}工程咨询有限公司",
            price_fen=13_000_000 + n * 10_000,
            numbers={"price_fen": 13_000_000 + n * 10_000, "lowest_price_fen": 12_345_678},
            award_candidate=n == 1,
        )
        for n in range(1, 11)
    )
    ten = replace(RESULT, rows=tuple(RankingRow(**vars(r)) for r in rows))
    for locale in ("zh", "en"):
        measure("award notice", AWARD, locale, args.reps)
        measure("result notice, 10 bids", ten, locale, args.reps)


if __name__ == "__main__":
    main()
