"""The sample article of ../shared/DESIGN.md. It is not ours to copy into
the repository (its outlet forbids reproduction); it sits in the project's
shared/ folder, beside the checkout."""

from pathlib import Path

import pytest

SAMPLE = Path("shared", "samples", "nagorno-karabakh-2023-09-20.zh.md")


def sample_article() -> str:
    for folder in Path(__file__).resolve().parents:
        if (folder / SAMPLE).is_file():
            return (folder / SAMPLE).read_text(encoding="utf-8")
    pytest.fail(f"{SAMPLE} not found in any folder above the checkout")
