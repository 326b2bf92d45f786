"""branchbot: runs the online life of network branches in Telegram groups."""
