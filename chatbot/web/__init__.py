"""The Gradio page, the widget, headers, rate limits and school profiles."""
