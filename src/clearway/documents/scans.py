"""Scans of generated invoices: a PDF rendered, rotated, blurred, noised and JPEG-compressed (or a PDF of it)."""

from __future__ import annotations

import io
import random


def scan(pdf: bytes, seed: int, *, as_pdf: bool = False) -> bytes:
    """Degrades a PDF into a scan: rendered at 150–200 dpi, rotated, noisy, JPEG-compressed (or a PDF of it)."""
    import numpy as np
    import pypdfium2 as pdfium
    from PIL import Image, ImageFilter

    rng = random.Random(f"scan:{seed}")
    doc = pdfium.PdfDocument(pdf)
    try:
        image = doc[0].render(scale=rng.choice([150, 175, 200]) / 72).to_pil().convert("L")
    finally:
        doc.close()
    image = image.rotate(rng.uniform(-3, 3), resample=Image.Resampling.BICUBIC, expand=True, fillcolor=255)
    if rng.random() < 0.5:
        image = image.filter(ImageFilter.GaussianBlur(rng.uniform(0.3, 0.8)))
    arr = np.asarray(image, dtype=np.int16)
    noise = np.random.default_rng(seed).normal(0, rng.uniform(6, 16), arr.shape)
    speckle = np.random.default_rng(seed + 1).random(arr.shape) < 0.002
    arr = np.clip(arr + noise, 0, 255)
    arr[speckle] = 0
    image = Image.fromarray(arr.astype(np.uint8))
    out = io.BytesIO()
    if as_pdf:
        image.save(out, format="PDF", resolution=150.0)
    else:
        image.save(out, format="JPEG", quality=rng.randint(45, 75))
    return out.getvalue()
