"""Business rules of the Cemig Saúde plan regulation (plano Clássico Apartamento) as pure functions.

Every module here is free of I/O and of Rasa: the actions call these functions with values taken from the
conversation or the database, so the rules can be tested against worked examples from the regulation text.
Each function's docstring names the article of the regulation, or the ANS norm, that it implements.
"""
