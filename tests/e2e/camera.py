"""A camera's picture for Chromium's fake capture device: a QR code (or any black-and-white matrix) as a one-frame
Y4M video, which Chromium plays in a loop."""

from __future__ import annotations

from pathlib import Path

import qrcode

WIDTH, HEIGHT = 640, 480


def qr_video(text: str, path: Path) -> Path:
    qr = qrcode.QRCode(border=4)
    qr.add_data(text)
    qr.make(fit=True)
    matrix = qr.get_matrix()  # True: a dark module, the quiet zone included
    box = (HEIGHT - 40) // len(matrix)
    left, top = (WIDTH - box * len(matrix)) // 2, (HEIGHT - box * len(matrix)) // 2
    luma = bytearray([235]) * (WIDTH * HEIGHT)  # a white page under a lamp, not pure white
    for y, row in enumerate(matrix):
        for x, dark in enumerate(row):
            if dark:
                for dy in range(box):
                    start = (top + y * box + dy) * WIDTH + left + x * box
                    luma[start : start + box] = bytes([16]) * box
    chroma = bytes([128]) * (WIDTH // 2 * HEIGHT // 2)
    header = f"YUV4MPEG2 W{WIDTH} H{HEIGHT} F10:1 Ip A1:1 C420jpeg\n".encode()
    path.write_bytes(header + b"FRAME\n" + bytes(luma) + chroma + chroma)
    return path
