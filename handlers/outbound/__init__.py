"""Everything the bot sends: the send policy, private delivery, command menus, replies."""
