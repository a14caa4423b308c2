// Placeholder: replaced by the native build script (never fails the install).
