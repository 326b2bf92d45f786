"""The send policy: what each outcome of a send to Telegram means for the bot's state."""

from __future__ import annotations

from bot.context import BotContext


async def follow_migration(context: BotContext, old: int, new: int) -> None:
    """Move the branch to the supergroup's chat id; tell the group if a branch was retired.

    ``/setup`` sent in the new supergroup before the bot learnt of the upgrade registers a
    second, empty branch there. The group's own branch, with all its data, takes the chat
    over; the one registered in between is retired (its daily post stops by itself), and
    the group is told both numbers.
    """
    services = context.services
    swapped = await services.branches.move_chat(old, new)
    services.auth.forget_chat(old)
    services.auth.forget_chat(new)
    if swapped is None:
        return
    moved, retired = swapped
    await context.bot.send_message(
        new,
        services.translate(
            moved.language, "branch.migrated", branch=moved.title, id=moved.id, retired=retired.id
        ),
    )
