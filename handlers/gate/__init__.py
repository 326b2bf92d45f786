"""Who may act, where: one gate for commands, buttons and start links.

Also the typed data of every button, and the branch a private command is for.
"""
