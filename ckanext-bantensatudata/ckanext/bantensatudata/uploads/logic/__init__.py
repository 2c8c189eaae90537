"""Actions, auth functions, schemas and validators of the uploads wing."""
