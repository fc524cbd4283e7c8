"""The Qt review workspace. Every action here is a call into reviewer.core."""
