"""Who may act, where: the command gate, button data and the branch a private command is for."""
