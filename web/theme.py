"""A calm look for a public administration: system fonts, one blue accent, generous spacing.

Fonts are system fonts only: the page must not fetch anything from the internet.
"""

from __future__ import annotations

from pathlib import Path

import gradio as gr

STATIC_DIR = Path(__file__).resolve().parent / "static"
CSS_PATH = STATIC_DIR / "app.css"
A11Y_JS_PATH = STATIC_DIR / "a11y.js"

SYSTEM_FONTS = ("system-ui", "-apple-system", "Segoe UI", "Roboto", "Noto Sans", "Liberation Sans", "Arial", "sans-serif")
MONO_FONTS = ("ui-monospace", "SFMono-Regular", "DejaVu Sans Mono", "Liberation Mono", "Consolas", "monospace")

# A muted administrative blue (close to the blue of German federal design) instead of Gradio's orange.
ADMIN_BLUE = gr.themes.Color(
    name="admin_blue",
    c50="#f1f5fa",
    c100="#dde7f2",
    c200="#bccfe4",
    c300="#8fb0d1",
    c400="#5f8bba",
    c500="#3b6ca3",
    c600="#2a5689",
    c700="#224570",
    c800="#1c385a",
    c900="#172d48",
    c950="#0f1e31",
)


def build_theme() -> gr.themes.Base:
    theme = gr.themes.Base(
        primary_hue=ADMIN_BLUE,
        secondary_hue=ADMIN_BLUE,
        neutral_hue=gr.themes.colors.slate,
        radius_size=gr.themes.sizes.radius_sm,
        text_size=gr.themes.sizes.text_md,
        font=SYSTEM_FONTS,
        font_mono=MONO_FONTS,
    )
    return theme.set(
        body_background_fill="#f4f6f9",
        body_text_color="*neutral_800",
        # Darker than Gradio's default grey so secondary text keeps a 4.5:1 contrast (BITV / WCAG AA).
        body_text_color_subdued="*neutral_600",
        block_background_fill="white",
        block_border_color="*neutral_200",
        block_shadow="none",
        block_label_text_color="*neutral_600",
        block_title_text_color="*neutral_700",
        block_title_text_weight="600",
        input_background_fill="white",
        input_border_width="1px",
        button_border_width="1px",
        input_border_color="*neutral_300",
        input_border_color_focus="*primary_500",
        button_primary_background_fill="*primary_600",
        button_primary_background_fill_hover="*primary_700",
        button_primary_text_color="white",
        button_secondary_background_fill="white",
        button_secondary_background_fill_hover="*neutral_100",
        button_secondary_border_color="*neutral_300",
        button_secondary_text_color="*neutral_800",
        button_cancel_background_fill="white",
        button_cancel_border_color="#b42318",
        button_cancel_text_color="#b42318",
        button_cancel_background_fill_hover="#fef3f2",
        link_text_color="*primary_600",
        link_text_color_dark="*primary_300",  # primary_500 reaches only 3.5:1 on the dark background
        color_accent_soft="*primary_50",
    )


def head_html() -> str:
    """The page head's additions: the accessibility repairs of web/static/a11y.js, inline (no extra request)."""
    return f"<script>{A11Y_JS_PATH.read_text(encoding='utf-8')}</script>"
