"""The money of a claim: cost lines, reserves, settlements, the ledger and payments."""
