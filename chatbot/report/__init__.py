"""The aid office's report over the store (`python -m chatbot report`)."""
