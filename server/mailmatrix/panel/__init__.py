"""The panel: one view model per message and its renderers (HTML for Outlook and the demo, card
JSON for Gmail), with the string catalog they and the pane's JavaScript share."""
