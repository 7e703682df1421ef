"""Custom actions of Atende, one module per menu topic.

rasa-sdk imports every module of this package; none of them opens a
database or a client at import time.
"""
