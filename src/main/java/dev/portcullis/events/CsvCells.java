package dev.portcullis.events;

/** One CSV cell, RFC 4180 quoted, and never a spreadsheet formula (a leading quote disarms one). */
public final class CsvCells {

    private CsvCells() {
    }

    public static String cell(String value) {
        if (value == null) {
            return "";
        }
        String text = !value.isEmpty() && "=+-@\t\r".indexOf(value.charAt(0)) >= 0 ? "'" + value : value;
        if (text.contains(",") || text.contains("\"") || text.contains("\n") || text.contains("\r")) {
            return "\"" + text.replace("\"", "\"\"") + "\"";
        }
        return text;
    }
}
