"""Knowledge files in, ranked hits out (`python -m chatbot.kb check`)."""
