"""Talking to the mailboxes: Microsoft Graph (msal on-behalf-of) and the Gmail API."""
