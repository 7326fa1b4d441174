namespace Sheriff.PowerShell { public static class Placeholder { } }
