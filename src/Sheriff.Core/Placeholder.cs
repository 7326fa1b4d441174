namespace Sheriff.Core { public static class Placeholder { } }
