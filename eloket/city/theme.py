"""Turn the city profile's colours into CSS custom properties (design tokens)."""

DEFAULTS = {
    "primary": "#00476B",
    "primary-text": "#FFFFFF",
    "accent": "#E6007E",
    "focus": "#FFBF47",
}


def tokens(profile) -> dict[str, str]:
    if profile is None:
        return dict(DEFAULTS)
    return {
        "primary": profile.colour_primary,
        "primary-text": profile.colour_primary_text,
        "accent": profile.colour_accent,
        "focus": profile.colour_focus,
    }


def theme_css_text(profile) -> str:
    colours = tokens(profile)
    lines = [f"  --eloket-color-{name}: {value};" for name, value in colours.items()]
    # Feed the city's colours into the NL Design System component tokens.
    lines += [
        f"  --utrecht-button-primary-action-background-color: {colours['primary']};",
        f"  --utrecht-button-primary-action-color: {colours['primary-text']};",
        f"  --utrecht-button-primary-action-hover-background-color: {colours['primary']};",
        f"  --utrecht-button-secondary-action-color: {colours['primary']};",
        f"  --utrecht-button-secondary-action-border-color: {colours['primary']};",
        f"  --utrecht-link-color: {colours['primary']};",
        f"  --utrecht-link-visited-color: {colours['primary']};",
        f"  --utrecht-focus-outline-color: {colours['focus']};",
        f"  --utrecht-heading-color: {colours['primary']};",
    ]
    return ".eloket-theme {\n" + "\n".join(lines) + "\n}\n"


def _luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast_ratio(first: str, second: str) -> float:
    """WCAG contrast ratio between two #RRGGBB colours (1 to 21)."""
    lighter, darker = sorted((_luminance(first), _luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)
