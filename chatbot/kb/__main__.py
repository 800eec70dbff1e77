"""`python -m chatbot.kb check [--root DIR]`: validate every knowledge file (chatbot/kb/loader.py)."""
import sys

from chatbot.kb.loader import main

sys.exit(main())
