package io.tokenmark.core.tokenizer;

import com.hubspot.jinjava.objects.date.StrftimeFormatter;
import java.time.ZonedDateTime;
import java.util.Locale;

/**
 * The global functions Hugging Face transformers gives chat templates, registered with Jinjava
 * under the same names.
 */
final class ChatTemplateFunctions {
    private ChatTemplateFunctions() {
    }

    /**
     * {@code raise_exception(message)}: templates call it to reject a conversation, for example
     * one whose roles do not alternate.
     */
    public static String raiseException(String message) {
        throw new ChatTemplateException("the chat template raised an exception: " + message);
    }

    /**
     * {@code strftime_now(format)}: the current local date and time in a Python {@code strftime}
     * format. Llama 3 templates use it to print today's date.
     */
    public static String strftimeNow(String format) {
        return StrftimeFormatter.format(ZonedDateTime.now(), format, Locale.ENGLISH);
    }
}
