package io.gnomon.http;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.embedded.EmbeddedChannel;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

class ClientConnectionTest {

    @Test
    void goneFollowsTheRequestsChannel() {
        assertFalse(ClientConnection.gone().getAsBoolean(), "off a request thread nothing is ever gone");
        EmbeddedChannel ch = new EmbeddedChannel();
        ClientConnection.enter(ch);
        BooleanSupplier gone;
        try {
            gone = ClientConnection.gone();
        } finally {
            ClientConnection.exit();
        }
        assertFalse(gone.getAsBoolean());
        ch.close();
        assertTrue(gone.getAsBoolean(), "a query polling this stops once the client has closed");
    }
}
